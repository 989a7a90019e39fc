"""Generator of realistic Wisconsin submissions, with injected errors and their expected findings."""
