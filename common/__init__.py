"""The ground floor: helpers every stage of the portal shares (numbers, spreadsheets, the domain's
errors and vocabulary, template filters). It imports nothing from the portal's apps."""
