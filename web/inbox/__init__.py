"""The inbox: the tasks of the units where the signed-in user is a reviewer."""
