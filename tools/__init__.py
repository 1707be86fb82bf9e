"""Developer tools: `make screenshots` and the page tour the layout tests share."""
