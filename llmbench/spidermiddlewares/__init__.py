"""llmbench's spider middlewares (SPIDER_MIDDLEWARES); its downloader middlewares are in llmbench.middlewares."""
