-- record set 'shared-todos' (SharedTodos.java), partysync's todo fixture; valid on H2 and PostgreSQL.
-- updated_at is the record's version: it grows on every change of a row, within one millisecond too
CREATE TABLE IF NOT EXISTS shared_todos (
	id VARCHAR(64) PRIMARY KEY,
	text VARCHAR(200) NOT NULL,
	completed BOOLEAN NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	deleted_at BIGINT
);
CREATE INDEX IF NOT EXISTS shared_todos_updated_at ON shared_todos (updated_at);
