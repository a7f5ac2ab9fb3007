from mcp_bridge.servers.prometheus.server import main

main()
