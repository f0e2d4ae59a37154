"""Database, migrations, the unit of work, one repository per aggregate, spreadsheet files, key rotation."""
