"""The `rebound` command: runs the processes (one, several or all in one), migrates, backs up and
restores, writes a first `.env`, manages people and dead letters. It is the one package that knows
every service; `shared/` knows none of them."""
