"""The coach: answers what happens in a job search with reflection, goals and wins."""
