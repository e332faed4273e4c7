"""Format overrides per language (FORMAT_MODULE_PATH); a language without one uses Django's."""
