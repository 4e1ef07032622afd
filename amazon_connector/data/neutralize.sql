-- A neutralized copy of the database never talks to Amazon: accounts are archived and
-- their tokens cleared (the client ID stays, to recognise the application).
UPDATE amazon_account
   SET active = false,
       refresh_token = NULL,
       lwa_client_secret = NULL;
