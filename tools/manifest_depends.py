"""Print the Odoo modules an add-on depends on (space separated).

Used by the Makefile to build the template database the tests start from.
"""

import ast
import pathlib
import sys


def main(addon):
    manifest = pathlib.Path(addon, "__manifest__.py").read_text(encoding="utf-8")
    print(" ".join(sorted(ast.literal_eval(manifest)["depends"])))


if __name__ == "__main__":
    main(sys.argv[1])
