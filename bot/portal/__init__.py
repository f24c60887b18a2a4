"""The portal: the residents' widget files, the demo page and the staff/admin pages."""
