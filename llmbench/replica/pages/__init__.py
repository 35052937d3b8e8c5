"""HTML model pages and the route for everything under `/{owner}/{name}`."""
