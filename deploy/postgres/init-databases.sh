#!/usr/bin/env bash
# One database and one login role per Rebound service, each role owning only
# its own database (no service can read another's tables).
#
# The postgres image runs this once, as the superuser, the first time it
# starts with an empty data volume (/docker-entrypoint-initdb.d). Passwords
# come from the container's environment (see docker-compose.yml):
#   REBOUND_FRONTEND_DB_PASSWORD  REBOUND_TRACKER_DB_PASSWORD
#   REBOUND_COACH_DB_PASSWORD     REBOUND_NOTIFIER_DB_PASSWORD
#   REBOUND_MAILBOX_DB_PASSWORD
# A missing password, or the change-me placeholder of .env.example, stops the
# first start with an error. Database and role are both named after the
# service (frontend, tracker, coach, notifier, mailbox). Changing a password later
# needs `ALTER ROLE <service> PASSWORD '...'` too: this script does not run
# again on an existing volume.
#
# The entrypoint sources this file when it is not executable, so everything
# happens in one function and no shell option is changed.

rebound_init_databases() {
    local service password_var password
    for service in frontend tracker coach notifier mailbox; do
        password_var="REBOUND_${service^^}_DB_PASSWORD"
        password="${!password_var:-}"
        if [ -z "$password" ]; then
            echo "init-databases: $password_var is not set: refusing to create role $service without a password" >&2
            return 1
        fi
        case "$password" in
            change-me*)
                echo "init-databases: $password_var still has the placeholder from .env.example: set a real password" >&2
                return 1 ;;
        esac
        echo "init-databases: creating role and database $service"
        # Values go in as psql variables (:"name" quotes an identifier, :'pw'
        # a literal), so no password can break out of the SQL.
        psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
             -v name="$service" -v pw="$password" <<'SQL' || return 1
CREATE ROLE :"name" LOGIN PASSWORD :'pw';
CREATE DATABASE :"name" OWNER :"name" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
    done
}

rebound_init_databases
