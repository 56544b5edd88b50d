"""What a person runs: the `nftsite` command line (`build`, `check`, `new`, `serve`), its
French messages and summaries, and the summary of what a pull request changes."""
