#!/bin/sh
# Temporal's schema on PostgreSQL, as in Temporal's own compose example; safe to run on every start
# (a database that exists keeps its schema and only gets newer versions).
set -eu
SCHEMA=/etc/temporal/schema/postgresql/v12
sql() { temporal-sql-tool --plugin postgres12 --ep postgresql -p 5432 -u temporal --pw "$TEMPORAL_DB_PASSWORD" "$@"; }
for db in temporal:temporal temporal_visibility:visibility; do
  name=${db%%:*}
  if sql --db "$name" create-database; then sql --db "$name" setup-schema -v 0.0; fi
  sql --db "$name" update-schema -d "$SCHEMA/${db##*:}/versioned"
done
