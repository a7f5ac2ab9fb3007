from mcp_bridge.servers.kubernetes.server import main

main()
