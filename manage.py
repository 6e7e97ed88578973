#!/usr/bin/env python
from kennisstad.__main__ import main

if __name__ == "__main__":
    main()
