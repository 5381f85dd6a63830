.PHONY: run test lint bench

# Install and start the product on embedded SQLite in ./data (http://127.0.0.1:8080/).
run:
	bash scripts/run.sh

# Install everything (Debian packages, Python extras) and run the whole test suite.
test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/mypy src/safeconduct
