import { StepUpPolicy, stepUpPolicyProblems } from './step-up-policy';

describe('stepUpPolicyProblems', () => {
  it.each<[string, StepUpPolicy]>([
    ['an auth context alone', { acrs: 'c1' }],
    ['the last auth context id', { acrs: 'c99' }],
    ['a URI-shaped acr value', { acrs: 'urn:example:loa:high' }],
    ['a max age', { acrs: 'c1', maxAgeSeconds: 300 }],
    ['a max age of zero (authenticate for this very request)', { acrs: 'c1', maxAgeSeconds: 0 }],
    ['a sovereign-cloud authorize endpoint', { acrs: 'c2', authorizationUri: 'https://login.microsoftonline.us/common/oauth2/authorize' }], // prettier-ignore
  ])('accepts %s', (_name, policy) => {
    expect(stepUpPolicyProblems(policy)).toEqual([]);
  });

  it.each<[string, StepUpPolicy, string[]]>([
    ['an empty acrs', { acrs: '' }, ['acrs "" must be one non-empty value of visible ASCII characters, e.g. c1']],
    [
      'two values in acrs',
      { acrs: 'c1 c2' },
      ['acrs "c1 c2" must be one non-empty value of visible ASCII characters, e.g. c1'],
    ],
    [
      'a negative max age',
      { acrs: 'c1', maxAgeSeconds: -1 },
      ['maxAgeSeconds -1 must be a whole number of seconds, 0 or more'],
    ],
    [
      'a fractional max age',
      { acrs: 'c1', maxAgeSeconds: 2.5 },
      ['maxAgeSeconds 2.5 must be a whole number of seconds, 0 or more'],
    ],
    [
      'NaN as a max age',
      { acrs: 'c1', maxAgeSeconds: NaN },
      ['maxAgeSeconds NaN must be a whole number of seconds, 0 or more'],
    ],
    [
      'an http authorize endpoint',
      { acrs: 'c1', authorizationUri: 'http://login.example.com/authorize' },
      ['authorizationUri "http://login.example.com/authorize" must be an https URL'],
    ],
    [
      'a relative authorize endpoint',
      { acrs: 'c1', authorizationUri: '/authorize' },
      ['authorizationUri "/authorize" must be an https URL'],
    ],
    [
      'everything at once',
      { acrs: ' ', maxAgeSeconds: -5, authorizationUri: 'nope' },
      [
        'acrs " " must be one non-empty value of visible ASCII characters, e.g. c1',
        'maxAgeSeconds -5 must be a whole number of seconds, 0 or more',
        'authorizationUri "nope" must be an https URL',
      ],
    ],
  ])('reports %s', (_name, policy, expected) => {
    expect(stepUpPolicyProblems(policy)).toEqual(expected);
  });
});
