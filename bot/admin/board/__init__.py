"""The web board for owners and managers (issue 22): today's orders, the week calendar with
drag to reassign or reschedule, and live updates over a WebSocket. Routes live under /board."""
