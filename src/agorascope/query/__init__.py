"""Boolean query language: parser, AST, compilers (full-text index, Ibis)."""
