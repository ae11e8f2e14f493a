"""Reading and writing contact data: the JSON form, vCard and CSV exports."""
