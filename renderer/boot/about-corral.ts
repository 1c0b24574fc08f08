/** What the sign-in screens say beside the form: what this application is for. */
export const ABOUT_CORRAL =
  'Corral builds and runs virtual clusters on your own libvirt hosts: it connects to them over SSH, shows every host, cluster and VM live, and gives each VM a console in the window.';
