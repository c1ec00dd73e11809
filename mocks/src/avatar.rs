//! Generated avatars, so that `picture` URLs of fake users show something in a browser.

use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::state::Shared;
use crate::user::FakeUser;

/// The avatar URL of `user` on the stand-in at `base_url`, unless the user has a picture.
pub(crate) fn picture_url(base_url: &str, user: &FakeUser) -> String {
    user.picture
        .clone()
        .unwrap_or_else(|| format!("{base_url}/avatar/{}.svg", user.id))
}

/// `GET /avatar/<id>.svg`: a coloured square with the user's initials.
pub(crate) fn mock(state: Shared) -> Mock {
    Mock::given(method("GET"))
        .and(path_regex(r"^/avatar/[0-9A-Za-z_-]+\.svg$"))
        .respond_with(Avatar(state))
        .named("generated avatar")
        .with_priority(10)
}

struct Avatar(Shared);

impl Respond for Avatar {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id = request
            .url
            .path()
            .trim_start_matches("/avatar/")
            .trim_end_matches(".svg");
        let initials = self.0.with(|s| s.user_by_id(id).map(|u| u.initials()));
        let Some(initials) = initials else {
            return ResponseTemplate::new(404);
        };
        let hue = id
            .bytes()
            .fold(0_u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
            % 360;
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" fill="hsl({hue},55%,45%)"/><text x="48" y="60" font-family="sans-serif" font-size="40" fill="#fff" text-anchor="middle">{initials}</text></svg>"##
        );
        ResponseTemplate::new(200).set_body_raw(svg.into_bytes(), "image/svg+xml")
    }
}
