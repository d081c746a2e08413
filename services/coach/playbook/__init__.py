"""The playbook: rules as YAML data, loaded and checked at start-up, evaluated purely."""
