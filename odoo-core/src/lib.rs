//! odoo-core (in progress)
