"""A framework as plain data, apart from the database.

- `parse`: the dataclasses and reading the fixture form into them (`FrameworkData.from_json`);
- `integrity`: the integrity check and its report;
- `compare`: the differences between two versions.
"""
