"""The request to the home country's authorities for a travel document: letters, their signing, the answers."""
