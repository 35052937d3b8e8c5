"""`/api/models` as the real Hub serves it: listing, model info, pagination, fields and expand, access answers."""
