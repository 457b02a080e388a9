"""Alembic environment: always run from bot.database.migrate with an open connection in a transaction.

The caller holds the migration lock and owns the transaction, so a failed migration leaves the
database as it was. SQLite migrations that alter a table should use batch operations
(`with op.batch_alter_table(...)`), which `render_as_batch` makes the default for autogenerate.
"""

from alembic import context

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    version_table=config.attributes["version_table"],
    transactional_ddl=True,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
