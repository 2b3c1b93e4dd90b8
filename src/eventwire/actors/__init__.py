"""Actor coding: dictionaries of countries, organisations, sectors and people, and in-document resolution."""
