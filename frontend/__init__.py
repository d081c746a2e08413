"""The web front of Rebound: accounts, the htmx dashboard and the public API."""
