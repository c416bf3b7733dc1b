import os
import sys

# refimpl.py sits beside the tests; make it importable whatever the rootdir.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
