"""What the site is: articles and their fields, the model, URLs, and every kind of page. Pure: no I/O beyond reading articles, no processes, no cache."""
