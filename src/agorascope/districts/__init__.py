"""Districts: redistricting plan metrics and ReCom ensembles."""
