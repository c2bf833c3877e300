/**
 * @module
 * Shapes from the examples of Authing's OAuth 2.0 SDK page, shared by the fake and the tests.
 * No Node types, so worker tests can import it.
 */

/** The user of that page's userinfo example. */
export const AUTHING_EXAMPLE_USERINFO = {
  address: { country: null, postal_code: null, region: null, formatted: null },
  birthdate: null,
  family_name: null,
  gender: 'U',
  given_name: null,
  locale: null,
  middle_name: null,
  name: null,
  nickname: null,
  picture: 'https://files.authing.co/authing-console/default-user-avatar.png',
  preferred_username: null,
  profile: null,
  updated_at: '2021-03-03T06:17:14.485Z',
  website: null,
  zoneinfo: null,
  email: 'test1@authing.cn',
  email_verified: false,
  sub: '603f184cec4505e2868431fc',
  phone_number: null,
  phone_number_verified: false,
} as const
