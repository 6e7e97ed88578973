"""The engines' full-text indexes over the analysed columns of SearchDocument.

SQLite: an FTS5 table with external content (it stores only the index and reads
the text from search_searchdocument), kept in sync by triggers. The columns
already hold space-separated tokens from kennisstad.lib.dutch, so the plain
unicode61 tokenizer is enough. Note: when a later migration makes Django rebuild
search_searchdocument on SQLite (most AlterField operations), the triggers are
dropped with the old table and that migration must run SQLITE_TRIGGERS again.

PostgreSQL: the weighted tsvector of the three columns ('simple' configuration:
the tokens stay as they are) in a stored generated column with a GIN index.
The column is left out of the Django model, since SQLite has no such type.
It is stored rather than an expression index because ranking needs the vector
of every matching row: recomputing it took about 1 s for 6,000 matches.
"""

from django.db import migrations

SQLITE_TABLE = """
CREATE VIRTUAL TABLE search_searchdocument_fts USING fts5(
    title_terms, org_terms, body_terms,
    content='search_searchdocument', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0'
)
"""

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER search_searchdocument_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_searchdocument_fts(rowid, title_terms, org_terms, body_terms)
        VALUES (new.id, new.title_terms, new.org_terms, new.body_terms);
    END
    """,
    """
    CREATE TRIGGER search_searchdocument_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_searchdocument_fts(search_searchdocument_fts, rowid, title_terms, org_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.org_terms, old.body_terms);
    END
    """,
    """
    CREATE TRIGGER search_searchdocument_fts_update
    AFTER UPDATE OF title_terms, org_terms, body_terms ON search_searchdocument BEGIN
        INSERT INTO search_searchdocument_fts(search_searchdocument_fts, rowid, title_terms, org_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.org_terms, old.body_terms);
        INSERT INTO search_searchdocument_fts(rowid, title_terms, org_terms, body_terms)
        VALUES (new.id, new.title_terms, new.org_terms, new.body_terms);
    END
    """,
]

POSTGRES_COLUMN = """
ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, title_terms), 'A') ||
    setweight(to_tsvector('simple'::regconfig, org_terms), 'B') ||
    setweight(to_tsvector('simple'::regconfig, body_terms), 'C')
) STORED
"""

POSTGRES_INDEX = "CREATE INDEX search_searchdocument_vector ON search_searchdocument USING gin (search_vector)"


def create_fulltext(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [SQLITE_TABLE, *SQLITE_TRIGGERS]:
            schema_editor.execute(statement)
        schema_editor.execute(
            "INSERT INTO search_searchdocument_fts(search_searchdocument_fts) VALUES ('rebuild')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_COLUMN)
        schema_editor.execute(POSTGRES_INDEX)
    else:
        raise NotImplementedError(f"Kennisstad's search needs SQLite or PostgreSQL, not {vendor}")


def drop_fulltext(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS search_searchdocument_fts_{name}")
        schema_editor.execute("DROP TABLE IF EXISTS search_searchdocument_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_searchdocument_vector")
        schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_fulltext, drop_fulltext, elidable=False)]
