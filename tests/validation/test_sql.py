"""SQL and database shell commands that destroy data are judged by what the statement does, however it is written:
modifiers and aliases, a delete inside a common table expression, a WHERE that holds for every row, every kind of
object dropped, a drop that cascades, a document store's drop in any spacing. Statements are composed with each
database client and each way of handing it SQL; ordinary statements near each shape stay allowed. Written before the
change that makes them hold."""

from __future__ import annotations

import pytest

from lighthouse_mcp.validation.decision import Validator
from tests.validation.conftest import allowed, decide, never_allowed

CLIENTS = [
    "psql -d app -c '{sql}'",
    "mysql app -e '{sql}'",
    "sqlite3 app.db '{sql}'",
    "duckdb app.duckdb -c '{sql}'",
    "psql -d app <<'SQL'\n{sql};\nSQL",
]

EMPTIES_A_TABLE = [
    "DELETE FROM users AS u",
    "DELETE FROM users u",
    "DELETE QUICK FROM app.users",
    "DELETE LOW_PRIORITY IGNORE FROM users",
    "DELETE users FROM users",
    "DELETE u FROM users u",
    "DELETE FROM ONLY users",
    "DELETE FROM users RETURNING id",
    "WITH d AS (DELETE FROM users RETURNING 1) SELECT count(*) FROM d",
    "DELETE FROM users WHERE rowid > 0",
    "DELETE FROM users WHERE id >= 0",
    "DELETE FROM users WHERE id IS NOT NULL",
    "DELETE FROM users WHERE 2 > 1",
    "DELETE FROM users WHERE id = id",
    "DELETE /* all */ FROM users",
]
DROPS = [
    "DROP OWNED BY CURRENT_USER CASCADE",
    "DROP TYPE user_role CASCADE",
    "DROP VIEW active_users CASCADE",
    "DROP EXTENSION pgcrypto CASCADE",
    "DROP MATERIALIZED VIEW daily_totals",
    "DROP SEQUENCE users_id_seq",
    "DROP FUNCTION refresh_totals()",
    "DROP INDEX users_email_idx",
    "DROP TRIGGER audit_users ON users",
    "DROP TABLESPACE fast",
    "ALTER TABLE users DROP COLUMN email",
    "alter table users drop constraint users_pkey",
]
ORDINARY_SQL = [
    "SELECT * FROM users WHERE name = $1",
    "DELETE FROM sessions WHERE expires_at < now()",
    "DELETE FROM users WHERE id = 42",
    "DELETE FROM carts WHERE user_id IN (SELECT id FROM users WHERE deleted)",
    "DELETE FROM users WHERE id > 1000",
    "SELECT count(*) FROM orders",
    "INSERT INTO events (kind) VALUES (1)",
    "CREATE INDEX users_email_idx ON users (email)",
    "EXPLAIN SELECT 1",
    "SELECT * FROM drop_log",
    "SELECT dropped_at, deleted FROM events",
    "UPDATE users SET active = false WHERE id = 7",
    "ALTER TABLE users ADD COLUMN email text",
]
DOCUMENT_STORE = [
    "db.runCommand({drop: 'users'})",
    "db.users.drop( )",
    "db.getCollection('users').drop()",
    "db.users.deleteMany( { } )",
    "db.dropDatabase( )",
    "db.users.remove( {} )",
]
ORDINARY_DOCUMENT_STORE = [
    "db.users.find({active: true}).count()",
    "db.users.deleteMany({expired: true})",
    "db.users.deleteOne({_id: 1})",
    "db.users.createIndex({email: 1})",
]


@pytest.mark.parametrize("sql", EMPTIES_A_TABLE + DROPS)
@pytest.mark.parametrize("client", CLIENTS)
def test_sql_that_empties_a_table_or_drops_an_object_is_never_allowed(
    validator: Validator, client: str, sql: str
) -> None:
    never_allowed(validator, client.format(sql=sql))


@pytest.mark.parametrize("sql", ORDINARY_SQL)
@pytest.mark.parametrize("client", CLIENTS)
def test_ordinary_sql_stays_allowed(validator: Validator, client: str, sql: str) -> None:
    allowed(validator, client.format(sql=sql))


@pytest.mark.parametrize("code", DOCUMENT_STORE)
@pytest.mark.parametrize("client", ['mongosh app --eval "{code}"', 'mongo app --eval "{code}"'])
def test_a_document_store_drop_in_any_spacing_is_never_allowed(validator: Validator, client: str, code: str) -> None:
    never_allowed(validator, client.format(code=code))


@pytest.mark.parametrize("code", ORDINARY_DOCUMENT_STORE)
def test_ordinary_document_store_work_stays_allowed(validator: Validator, code: str) -> None:
    got = decide(validator, f'mongosh app --eval "{code}"')
    assert got.decision == "allow", (code, got.reasons)
