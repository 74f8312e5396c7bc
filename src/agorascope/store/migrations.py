"""Versioned schema migrations of the DuckDB store.

Each migration is a list of SQL statements applied in one transaction; the ``schema_version``
table records what has been applied. Never edit a released migration: add a new one. The
statements are written out literally, so that an old store replays exactly the steps it
missed; ``tests/store/test_migrations.py`` checks that a fresh store and an upgraded version-1
store both equal the declaration of :mod:`agorascope.store.schema` (columns, types,
nullability, checks, comments).

To add a post column: declare it in :data:`~agorascope.store.schema.POSTS_SCHEMA` and append a
migration with its ``ALTER TABLE posts ADD COLUMN ...`` and ``COMMENT ON COLUMN ...``
statements (``post_view`` selects ``p.*`` and picks the new column up by itself).

``posts`` and ``authors`` are unique on ``(platform, id)`` without a PRIMARY KEY: DuckDB admits
one writer process, and the import pipeline deduplicates each batch with an anti-join, which
measured 1.5x faster on bulk loads than maintaining the ART index of a primary key.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIGRATIONS", "Migration"]


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    version: int
    description: str
    statements: tuple[str, ...]


_V1 = (
    """CREATE TABLE posts (
        platform VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        author_id VARCHAR,
        created_at TIMESTAMP,
        text VARCHAR,
        lang VARCHAR,
        country VARCHAR,
        url VARCHAR,
        parent_id VARCHAR,
        root_id VARCHAR,
        relation VARCHAR CHECK (relation IN ('original', 'repost', 'quote', 'reply')),
        likes BIGINT,
        reposts BIGINT,
        replies BIGINT,
        views BIGINT,
        hashtags VARCHAR[],
        mentions VARCHAR[],
        urls VARCHAR[],
        source VARCHAR,
        collected_at TIMESTAMP,
        ingest_seq BIGINT NOT NULL
    )""",
    """CREATE TABLE authors (
        platform VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        handle VARCHAR,
        name VARCHAR,
        followers BIGINT,
        following BIGINT,
        posts_count BIGINT,
        country VARCHAR,
        location VARCHAR,
        verified BOOLEAN,
        category VARCHAR,
        created_at TIMESTAMP,
        observed_at TIMESTAMP
    )""",
    """CREATE TABLE sources (
        id BIGINT PRIMARY KEY,
        kind VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        location VARCHAR,
        format VARCHAR,
        added_at TIMESTAMP NOT NULL,
        UNIQUE (kind, location)
    )""",
    "CREATE SEQUENCE sources_id_seq START 1",
    """CREATE TABLE imports (
        id BIGINT PRIMARY KEY,
        source_id BIGINT NOT NULL,
        path VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        status VARCHAR NOT NULL,
        rows_read BIGINT NOT NULL DEFAULT 0,
        imported BIGINT NOT NULL DEFAULT 0,
        duplicates BIGINT NOT NULL DEFAULT 0,
        rejected BIGINT NOT NULL DEFAULT 0,
        batches BIGINT NOT NULL DEFAULT 0,
        rejects_path VARCHAR
    )""",
    "CREATE SEQUENCE imports_id_seq START 1",
    "CREATE SEQUENCE ingest_seq START 1",
    """CREATE TABLE cascades (
        platform VARCHAR NOT NULL,
        root_id VARCHAR NOT NULL,
        label VARCHAR,
        source VARCHAR,
        PRIMARY KEY (platform, root_id)
    )""",
    """CREATE TABLE topics (
        name VARCHAR PRIMARY KEY,
        query VARCHAR NOT NULL,
        description VARCHAR,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE audit_log (
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR,
        action VARCHAR NOT NULL,
        target VARCHAR,
        detail VARCHAR
    )""",
    """CREATE VIEW post_view AS
        SELECT p.*,
               a.handle AS author_handle,
               a.name AS author_name,
               a.followers AS author_followers,
               a.following AS author_following,
               a.verified AS author_verified,
               a.category AS author_category
        FROM posts p
        LEFT JOIN authors a ON a.platform = p.platform AND a.id = p.author_id""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "posts, authors, sources, imports, cascades, topics, audit log", _V1),
)

_V2 = (
    """CREATE TABLE tokens (
        id VARCHAR PRIMARY KEY,
        name VARCHAR,
        role VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        secret_hash VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        last_used_at TIMESTAMP,
        revoked_at TIMESTAMP
    )""",
)

MIGRATIONS = (*MIGRATIONS, Migration(2, "API tokens (hashes only)", _V2))

_V3 = (
    "COMMENT ON COLUMN posts.platform IS 'platform name, lower-case (x, bluesky, ...)'",
    "COMMENT ON COLUMN posts.id IS 'the platform''s post id'",
    "COMMENT ON COLUMN posts.author_id IS 'the platform''s id of the author'",
    "COMMENT ON COLUMN posts.created_at IS 'when it was posted (UTC)'",
    "COMMENT ON COLUMN posts.text IS 'text of the post'",
    "COMMENT ON COLUMN posts.lang IS 'ISO 639-1 language code where known (en, fr)'",
    "COMMENT ON COLUMN posts.country IS 'ISO 3166-1 alpha-2 country code (US, TR)'",
    "COMMENT ON COLUMN posts.url IS 'link to the post'",
    "COMMENT ON COLUMN posts.parent_id IS 'the post this one reposts, quotes or replies to'",
    "COMMENT ON COLUMN posts.root_id IS 'first post of its cascade or conversation'",
    "COMMENT ON COLUMN posts.relation IS 'original, repost, quote or reply'",
    "COMMENT ON COLUMN posts.likes IS 'likes count'",
    "COMMENT ON COLUMN posts.reposts IS 'reposts count'",
    "COMMENT ON COLUMN posts.replies IS 'replies count'",
    "COMMENT ON COLUMN posts.views IS 'views count'",
    "COMMENT ON COLUMN posts.hashtags IS 'hashtags, lower-case, without #'",
    "COMMENT ON COLUMN posts.mentions IS 'mentioned handles, lower-case, without @'",
    "COMMENT ON COLUMN posts.urls IS 'links, normalised (lower-case host, no tracking parameters)'",
    "COMMENT ON COLUMN posts.source IS 'which import or feed brought it'",
    "COMMENT ON COLUMN posts.collected_at IS 'when it was imported (UTC)'",
    "COMMENT ON COLUMN posts.ingest_seq IS 'import batch that committed it (monotonic)'",
    "COMMENT ON COLUMN authors.platform IS 'platform name, lower-case'",
    "COMMENT ON COLUMN authors.id IS 'the platform''s account id'",
    "COMMENT ON COLUMN authors.handle IS 'handle, without @'",
    "COMMENT ON COLUMN authors.name IS 'display name'",
    "COMMENT ON COLUMN authors.followers IS 'followers count'",
    "COMMENT ON COLUMN authors.following IS 'following count'",
    "COMMENT ON COLUMN authors.posts_count IS 'posts count of the account'",
    "COMMENT ON COLUMN authors.country IS 'ISO 3166-1 alpha-2 country code'",
    "COMMENT ON COLUMN authors.location IS 'free-text profile location'",
    "COMMENT ON COLUMN authors.verified IS 'verified badge'",
    "COMMENT ON COLUMN authors.category IS 'account classification given by the data set'",
    "COMMENT ON COLUMN authors.created_at IS 'when the account was created (UTC)'",
    "COMMENT ON COLUMN authors.observed_at IS 'when these profile values were seen (UTC)'",
)

MIGRATIONS = (*MIGRATIONS, Migration(3, "column comments on posts and authors", _V3))

_V4 = (
    """CREATE TABLE feeds (
        source_id BIGINT PRIMARY KEY,
        url VARCHAR NOT NULL,
        every_seconds INTEGER NOT NULL CHECK (every_seconds > 0),
        etag VARCHAR,
        last_modified VARCHAR,
        body_hash VARCHAR,
        last_fetch_at TIMESTAMP,
        last_success_at TIMESTAMP,
        last_status INTEGER,
        next_fetch_at TIMESTAMP,
        failures INTEGER NOT NULL DEFAULT 0,
        failure_score DOUBLE NOT NULL DEFAULT 0,
        last_error VARCHAR,
        disabled_at TIMESTAMP,
        disabled_reason VARCHAR,
        fetches BIGINT NOT NULL DEFAULT 0,
        items BIGINT NOT NULL DEFAULT 0
    )""",
    "COMMENT ON TABLE feeds IS 'fetch state of the sources that agorascope follows over HTTP'",
    """CREATE TABLE feed_items (
        source_id BIGINT NOT NULL,
        item_key VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL,
        dated_by VARCHAR NOT NULL CHECK (dated_by IN ('source', 'first_seen')),
        first_seen_at TIMESTAMP NOT NULL,
        last_seen_at TIMESTAMP NOT NULL,
        PRIMARY KEY (source_id, item_key)
    )""",
    "COMMENT ON TABLE feed_items IS 'each item a followed source carried, and the post it became'",
    "COMMENT ON COLUMN feed_items.dated_by IS 'source: the post''s created_at is the published "
    "date the source gave; first_seen: the source gave none, created_at is when it was first seen'",
)

MIGRATIONS = (*MIGRATIONS, Migration(4, "followed sources: fetch state and items", _V4))

_V5 = (
    """CREATE TABLE watches (
        name VARCHAR PRIMARY KEY,
        topic VARCHAR NOT NULL,
        rule VARCHAR NOT NULL CHECK (rule IN ('new', 'spike')),
        threshold DOUBLE,
        deliver VARCHAR[] NOT NULL,
        secret VARCHAR,
        last_seq BIGINT NOT NULL DEFAULT 0,
        checked_until TIMESTAMP,
        created_at TIMESTAMP NOT NULL,
        last_run_at TIMESTAMP
    )""",
    "CREATE SEQUENCE alerts_id_seq START 1",
    """CREATE TABLE alerts (
        id BIGINT PRIMARY KEY,
        watch VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('new', 'spike')),
        key VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        summary VARCHAR,
        url VARCHAR,
        payload VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        UNIQUE (watch, key)
    )""",
    """CREATE TABLE deliveries (
        alert_id BIGINT NOT NULL,
        channel VARCHAR NOT NULL,
        state VARCHAR NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error VARCHAR,
        sent_at TIMESTAMP,
        PRIMARY KEY (alert_id, channel)
    )""",
    """CREATE TABLE collections (
        name VARCHAR PRIMARY KEY,
        title VARCHAR,
        description VARCHAR,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE collection_items (
        collection VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        note VARCHAR,
        added_at TIMESTAMP NOT NULL,
        PRIMARY KEY (collection, platform, post_id)
    )""",
)

MIGRATIONS = (
    *MIGRATIONS,
    Migration(5, "watches, alerts, delivery outbox, collections and their items", _V5),
)

_V6 = (
    """CREATE TABLE voter_records (
        uid VARCHAR PRIMARY KEY,
        source VARCHAR NOT NULL,
        record_id VARCHAR NOT NULL,
        person_id VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        line BIGINT NOT NULL,
        first_name_raw VARCHAR,
        first_name VARCHAR,
        first_name_aliases VARCHAR[],
        middle_name_raw VARCHAR,
        middle_name VARCHAR,
        last_name_raw VARCHAR,
        last_name VARCHAR,
        full_name_raw VARCHAR,
        dob_raw VARCHAR,
        dob VARCHAR,
        dob_text VARCHAR,
        birth_year INTEGER,
        sex VARCHAR,
        voter_id VARCHAR,
        address_raw VARCHAR,
        house_number VARCHAR,
        street VARCHAR,
        unit VARCHAR,
        city_raw VARCHAR,
        city VARCHAR,
        postcode VARCHAR,
        state VARCHAR,
        email_raw VARCHAR,
        email VARCHAR,
        phone_raw VARCHAR,
        phone VARCHAR,
        party VARCHAR,
        voter_status VARCHAR,
        vote_history VARCHAR,
        consent VARCHAR CHECK (consent IN ('granted', 'refused')),
        legal_basis VARCHAR,
        opted_out BOOLEAN NOT NULL,
        attrs JSON,
        row_hash VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL,
        UNIQUE (source, record_id)
    )""",
    """CREATE TABLE voter_imports (
        source VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL,
        rows_read BIGINT NOT NULL,
        added BIGINT NOT NULL,
        updated BIGINT NOT NULL,
        unchanged BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        invalid_dates BIGINT NOT NULL
    )""",
    "CREATE SEQUENCE voter_person_seq START 1",
    "CREATE SEQUENCE voter_link_run_seq START 1",
    """CREATE TABLE voter_link_runs (
        id BIGINT PRIMARY KEY,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        backend VARCHAR NOT NULL,
        threshold DOUBLE NOT NULL,
        records BIGINT,
        pairs BIGINT,
        persons BIGINT,
        new_persons BIGINT,
        merges BIGINT,
        splits BIGINT,
        prior_weight DOUBLE,
        model JSON
    )""",
    """CREATE TABLE voter_pairs (
        run_id BIGINT NOT NULL,
        uid_l VARCHAR NOT NULL,
        uid_r VARCHAR NOT NULL,
        match_weight DOUBLE NOT NULL,
        match_probability DOUBLE NOT NULL,
        weights JSON,
        PRIMARY KEY (uid_l, uid_r)
    )""",
    """CREATE TABLE voter_memberships (
        uid VARCHAR PRIMARY KEY,
        match_probability DOUBLE
    )""",
    """CREATE TABLE voter_decisions (
        uid_l VARCHAR NOT NULL,
        uid_r VARCHAR NOT NULL,
        decision VARCHAR NOT NULL CHECK (decision IN ('match', 'non-match')),
        decided_at TIMESTAMP NOT NULL,
        PRIMARY KEY (uid_l, uid_r)
    )""",
    """CREATE TABLE voter_id_events (
        run_id BIGINT NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('merge', 'split')),
        person_id VARCHAR NOT NULL,
        related VARCHAR[] NOT NULL,
        records BIGINT NOT NULL
    )""",
    """CREATE TABLE voter_segments (
        name VARCHAR PRIMARY KEY,
        query VARCHAR NOT NULL,
        description VARCHAR,
        created_at TIMESTAMP NOT NULL
    )""",
)

MIGRATIONS = (
    *MIGRATIONS,
    Migration(6, "voters: source records, persons, link runs, pairs, reviews, segments", _V6),
)

_V7 = (
    """CREATE TABLE experiments (
        name VARCHAR PRIMARY KEY,
        level VARCHAR NOT NULL CHECK (level IN ('recipient', 'arm')),
        source VARCHAR,
        imported_at TIMESTAMP NOT NULL,
        rows_read BIGINT NOT NULL,
        rejected BIGINT NOT NULL
    )""",
    """CREATE TABLE experiment_arms (
        experiment VARCHAR NOT NULL,
        arm VARCHAR NOT NULL,
        day DATE,
        sent BIGINT NOT NULL CHECK (sent >= 0),
        opened BIGINT,
        clicked BIGINT,
        donated BIGINT,
        amount DOUBLE
    )""",
    """CREATE TABLE experiment_amounts (
        experiment VARCHAR NOT NULL,
        arm VARCHAR NOT NULL,
        amount DOUBLE NOT NULL CHECK (amount > 0)
    )""",
    "COMMENT ON TABLE experiments IS 'message experiments (A/B tests) imported by name'",
    "COMMENT ON TABLE experiment_arms IS "
    "'recipients and outcomes per experiment, arm and day (day NULL when not given)'",
    "COMMENT ON TABLE experiment_amounts IS "
    "'non-zero amounts given by single recipients (for bootstrap intervals); "
    "no recipient identifier is kept'",
)

MIGRATIONS = (*MIGRATIONS, Migration(7, "message experiments", _V7))
_V8 = (
    # hash chain of the audit log (see agorascope.store.audit)
    "ALTER TABLE audit_log ADD COLUMN seq BIGINT",
    "ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR",
    "ALTER TABLE audit_log ADD COLUMN hash VARCHAR",
    # legal basis and consent status of each source (vocabulary: agorascope.privacy.consent)
    "ALTER TABLE sources ADD COLUMN legal_basis VARCHAR",
    "ALTER TABLE sources ADD COLUMN consent_status VARCHAR",
    """CREATE TABLE privacy_suppressions (
        kind VARCHAR NOT NULL,
        hash VARCHAR NOT NULL,
        added_at TIMESTAMP NOT NULL,
        request_id BIGINT,
        PRIMARY KEY (kind, hash)
    )""",
    """CREATE TABLE privacy_rectifications (
        place VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        value VARCHAR,
        rectified_at TIMESTAMP NOT NULL,
        PRIMARY KEY (place, platform, id, field)
    )""",
    """CREATE TABLE privacy_requests (
        id BIGINT PRIMARY KEY,
        kind VARCHAR NOT NULL,
        subject_hash VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        requested_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        actor VARCHAR,
        proof VARCHAR
    )""",
    "CREATE SEQUENCE privacy_requests_id_seq START 1",
    """CREATE TABLE privacy_retention (
        source VARCHAR PRIMARY KEY,
        keep_days INTEGER NOT NULL CHECK (keep_days > 0),
        set_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE exports (
        id BIGINT PRIMARY KEY,
        kind VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        rows BIGINT,
        pseudonymised BOOLEAN NOT NULL,
        created_at TIMESTAMP NOT NULL
    )""",
    "CREATE SEQUENCE exports_id_seq START 1",
)

MIGRATIONS = (
    *MIGRATIONS,
    Migration(8, "privacy: audit hash chain, legal basis, suppressions, requests, exports", _V8),
)
_V9 = ("ALTER TABLE tokens ADD COLUMN expires_at TIMESTAMP",)

MIGRATIONS = (*MIGRATIONS, Migration(9, "API token expiry", _V9))

_V10 = (
    """CREATE TABLE post_tags (
        platform VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        tag VARCHAR NOT NULL,
        added_at TIMESTAMP NOT NULL,
        PRIMARY KEY (platform, post_id, tag)
    )""",
)

MIGRATIONS = (*MIGRATIONS, Migration(10, "tags on posts (mentions list)", _V10))

_V11 = (
    "ALTER TABLE topics ADD COLUMN tags VARCHAR[]",
    "COMMENT ON COLUMN topics.tags IS 'labels grouping topics on the overview (lower case)'",
)

MIGRATIONS = (*MIGRATIONS, Migration(11, "topic tags", _V11))
