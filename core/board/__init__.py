"""The web board's use cases (issue 22): what a manager sees of a day and a week, the same
cards for live updates, and a drop on the calendar as the bot's own assign and reschedule."""
