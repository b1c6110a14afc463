//! Who is signed in, for the UI; and the wrapper that keeps a page to the roles it is for.
//! The server fns check roles again: this only decides what to render.

use super::{
    server_fns::{whoami, Login, Logout},
    CurrentUser, Role,
};
use crate::{components::ErrorPage, error::AppError};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[derive(Clone, Copy)]
pub struct Auth {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

impl Auth {
    /// Must be called inside `<Routes>`: a form posted without JavaScript comes back with
    /// its error in the URL, and the routes are what read it.
    pub fn provide() -> Self {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let user = Resource::new(
            move || (login.version().get(), logout.version().get()),
            |_| whoami(),
        );
        let auth = Self {
            login,
            logout,
            user,
        };
        provide_context(auth);
        auth
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Renders `children` with the signed-in user when their role is one of `roles`; sends
/// anyone not signed in to the login page and answers others 403.
#[component]
pub fn RequireRole<F, V>(roles: &'static [Role], children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let auth = use_auth();
    // One `Suspend`, not a closure returning one: a closure is tracked and runs again when
    // the user resource settles, which would build the page (and fetch its data) twice.
    let page = Suspend::new(async move {
        match auth.user.await {
            Ok(Some(user)) if user.must_change_password => {
                view! { <Redirect path="/account/password" /> }.into_any()
            }
            Ok(Some(user)) if roles.contains(&user.role) => children(user).into_any(),
            Ok(Some(_)) => view! { <ErrorPage error=AppError::Forbidden /> }.into_any(),
            Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
            Err(error) => view! { <ErrorPage error /> }.into_any(),
        }
    });
    view! { <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>{page}</Suspense> }
}
