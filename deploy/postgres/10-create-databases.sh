#!/usr/bin/env bash
# Creates one database and one login role per service: kommuntal, anvisning,
# dialog. Each role owns its own database (so the service can run its own
# migrations in the public schema) and cannot connect to the others.
#
# The postgres image runs this once, from /docker-entrypoint-initdb.d, on the
# first start with an EMPTY data volume; changing a password later is done
# with ALTER ROLE, not by editing the environment. Passwords come from the
# container's environment (deploy/.env); psql quotes them (:'password'), so
# any character is safe here (in a database URL they must be percent-encoded).
set -euo pipefail

# All three first, so a missing one creates nothing.
: "${KOMMUNTAL_DB_PASSWORD:?set KOMMUNTAL_DB_PASSWORD}"
: "${ANVISNING_DB_PASSWORD:?set ANVISNING_DB_PASSWORD}"
: "${DIALOG_DB_PASSWORD:?set DIALOG_DB_PASSWORD}"

create_service_database() {
  local name=$1 password=$2
  psql -v ON_ERROR_STOP=1 --no-psqlrc \
    --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
    --set=name="$name" --set=password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  echo "created database and role $name"
}

create_service_database kommuntal "$KOMMUNTAL_DB_PASSWORD"
create_service_database anvisning "$ANVISNING_DB_PASSWORD"
create_service_database dialog "$DIALOG_DB_PASSWORD"
