"""One module per command, each with ``run(args) -> exit code``; imported only when it runs."""
