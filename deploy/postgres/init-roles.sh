#!/bin/sh
# First start of the PostgreSQL volume only: the app's own role and database (never the superuser),
# and a role for Temporal that may create its two databases.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v shop_pw="$SHOP_DB_PASSWORD" -v temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE shop LOGIN PASSWORD :'shop_pw';
CREATE DATABASE shop OWNER shop;
REVOKE ALL ON DATABASE shop FROM PUBLIC;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_pw';
SQL
