"""Repo files: the resolvers (`/resolve/`, `/raw/`) and the storage/CDN origin LFS downloads redirect to."""
