"""Domain packages that plug into the engine: diagrams' rules, lane resolvers, org trees."""
