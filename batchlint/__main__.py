from batchlint.cli import main

raise SystemExit(main())
