"""Payment providers: WeChat Pay API v3 (the client, its pure crypto, and a local fake)."""
