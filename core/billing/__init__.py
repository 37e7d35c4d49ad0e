"""The CRM's own billing: plans and limits, checkout, usage per period."""
