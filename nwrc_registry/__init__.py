"""The reference central registry: stores the sites' changes, serves revocations and verifies certificates."""
