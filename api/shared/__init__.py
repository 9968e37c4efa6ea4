"""Request and response shapes that more than one audience uses. Audience packages (admin,
citizen, merchant, operator, public, ...) import from here, never from each other. Class names are
OpenAPI component names: keep them when moving a struct here."""
