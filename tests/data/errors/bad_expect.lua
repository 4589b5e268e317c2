-- expect: unknown key 'availabilty_min'
expect { availabilty_min = 0.9 }
