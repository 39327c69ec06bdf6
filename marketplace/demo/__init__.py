"""What `manage.py seed_demo` writes: the demo stories and accounts (stories.py, their words
in story_content.py) and benchmark-size data (scale.py, its words in scale_content.py, bulk
inserts in rows.py). The command only parses its options and calls these."""
